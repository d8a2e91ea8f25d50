import { LitElement, html, css } from 'lit';
import { imagesPath, restEnabled, defaultModel } from 'build-time-data';

/** Playground: posts a prompt to the REST API (POST {root}/v1/images) and shows the PNG. */
export class QwcDiffusion4jPlayground extends LitElement {
    static styles = css`
        .row { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; }
        input[type=text] { width: 32em; }
        img { image-rendering: pixelated; max-width: 512px; min-width: 256px; border: 1px solid #ccc; }`;
    static properties = { _image: { state: true }, _error: { state: true }, _busy: { state: true } };

    render() {
        if (!restEnabled) return html`<p>The REST API is switched off (quarkus.diffusion4j.rest.enabled=false).</p>`;
        return html`
            <div class="row"><input id="prompt" type="text" placeholder="a lighthouse on a hill at sunset">
                <label>steps <input id="steps" type="number" min="1" value="20" style="width:5em"></label>
                <label>seed <input id="seed" type="number" min="0" value="42" style="width:8em"></label>
                <button ?disabled=${this._busy} @click=${this._generate}>${this._busy ? 'Generating...' : 'Generate'}</button></div>
            <p>Model: ${defaultModel} — POST ${imagesPath}</p>
            ${this._error ? html`<pre>${this._error}</pre>` : ''}
            ${this._image ? html`<img src=${this._image} alt="generated image">` : ''}`;
    }

    async _generate() {
        const body = {
            prompt: this.renderRoot.querySelector('#prompt').value || 'a lighthouse on a hill at sunset',
            steps: Number(this.renderRoot.querySelector('#steps').value),
            seed: Number(this.renderRoot.querySelector('#seed').value)
        };
        this._busy = true;
        this._error = null;
        try {
            const response = await fetch(imagesPath, {
                method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'image/png' },
                body: JSON.stringify(body)
            });
            if (!response.ok) {
                this._error = response.status + ' ' + await response.text();
                return;
            }
            if (this._image) URL.revokeObjectURL(this._image);
            this._image = URL.createObjectURL(await response.blob());
        } catch (e) {
            this._error = String(e);
        } finally {
            this._busy = false;
        }
    }
}
customElements.define('qwc-diffusion4j-playground', QwcDiffusion4jPlayground);
