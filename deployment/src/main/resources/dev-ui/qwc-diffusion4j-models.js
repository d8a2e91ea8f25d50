import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';

/** The loaded models: family, layout, provider in use, load time, defaults, schedulers. */
export class QwcDiffusion4jModels extends LitElement {
    jsonRpc = new JsonRpc(this);
    static styles = css`table { border-collapse: collapse; } td, th { padding: 4px 12px; text-align: left; }`;
    static properties = { _models: { state: true } };

    connectedCallback() {
        super.connectedCallback();
        this.jsonRpc.getModels().then(r => this._models = r.result);
    }

    render() {
        if (!this._models) return html`Loading models...`;
        return html`<table>
            <tr><th>name</th><th>family</th><th>layout</th><th>precision</th><th>provider</th><th>load time</th><th>defaults</th><th>schedulers</th><th>folder</th></tr>
            ${this._models.map(m => html`<tr>
                <td>${m.name}${m.default ? ' (default)' : ''}</td><td>${m.familyName}</td><td>${m.layout}</td><td>${m.precision}</td>
                <td>${m.provider}</td><td>${m.loadTimeMs} ms</td>
                <td>${m.width}x${m.height} (multiples of ${m.sizeMultiple}), ${m.steps} steps, ${m.scheduler}, guidance ${m.guidanceScale}</td>
                <td>${(m.schedulers || []).join(', ')}</td>
                <td>${m.path}</td></tr>`)}
        </table>`;
    }
}
customElements.define('qwc-diffusion4j-models', QwcDiffusion4jModels);
