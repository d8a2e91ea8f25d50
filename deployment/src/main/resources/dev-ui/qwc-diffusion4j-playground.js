import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import { notifier } from 'notifier';
import { defaultModel } from 'build-time-data';
import '@vaadin/text-area';
import '@vaadin/text-field';
import '@vaadin/integer-field';
import '@vaadin/number-field';
import '@vaadin/select';
import '@vaadin/button';
import '@vaadin/progress-bar';
import '@vaadin/icon';

/** Request fields as the JSON-RPC method and the SDK's violations name them. */
const FIELDS = ['model', 'prompt', 'negativePrompt', 'scheduler', 'steps', 'guidanceScale', 'width', 'height', 'seed',
    'batchSize'];

/**
 * Playground: one generation over the Dev UI's JSON-RPC stream (no REST API needed). Each step's preview replaces the
 * last one as it arrives, with the progress bar and ETA; then the image(s) with seed and duration. Every field error
 * of a rejected request is shown on its field at once.
 */
export class QwcDiffusion4jPlayground extends LitElement {
    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: flex; gap: 24px; padding: 12px; flex-wrap: wrap; }
        .form { display: flex; flex-direction: column; gap: 4px; width: 30em; }
        .pair { display: flex; gap: 8px; }
        .pair > * { flex: 1; min-width: 0; }
        .buttons { display: flex; gap: 8px; margin-top: 8px; }
        .output { display: flex; flex-direction: column; gap: 8px; min-width: 320px; }
        .images { display: flex; gap: 8px; flex-wrap: wrap; }
        img { image-rendering: pixelated; width: 320px; height: 320px; object-fit: contain;
              border: 1px solid var(--lumo-contrast-20pct); background: var(--lumo-contrast-5pct); }
        .status { color: var(--lumo-secondary-text-color); font-size: var(--lumo-font-size-s); }
        .failure { color: var(--lumo-error-text-color); }`;

    static properties = {
        _models: { state: true },
        _model: { state: true },
        _errors: { state: true },
        _running: { state: true },
        _progress: { state: true },
        _status: { state: true },
        _preview: { state: true },
        _images: { state: true },
        _failure: { state: true }
    };

    constructor() {
        super();
        this._models = [];
        this._errors = {};
        this._images = [];
        this._progress = 0;
    }

    connectedCallback() {
        super.connectedCallback();
        this.jsonRpc.getModels().then(r => {
            this._models = r.result;
            this._model = r.result.find(m => m.name === defaultModel) || r.result.find(m => m.default) || r.result[0];
        });
    }

    disconnectedCallback() {
        this._cancel();
        super.disconnectedCallback();
    }

    render() {
        if (!this._model) return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        return html`<div class="form">${this._renderFields()}
                <div class="buttons">
                    <vaadin-button id="generate" theme="primary" ?disabled=${this._running} @click=${this._generate}>
                        <vaadin-icon icon="font-awesome-solid:palette" slot="prefix"></vaadin-icon>Generate</vaadin-button>
                    <vaadin-button id="cancel" theme="error" ?disabled=${!this._running} @click=${this._cancel}>
                        <vaadin-icon icon="font-awesome-solid:stop" slot="prefix"></vaadin-icon>Cancel</vaadin-button>
                </div></div>
            <div class="output">
                <vaadin-progress-bar id="progress" .value=${this._progress}></vaadin-progress-bar>
                <span id="status" class="status">${this._status || 'Ready'}</span>
                ${this._failure ? html`<span id="failure" class="failure">${this._failure}</span>` : ''}
                ${this._images.length === 0
                    ? html`<img id="preview" alt="step preview" src=${this._preview || ''} ?hidden=${!this._preview}>`
                    : html`<div class="images">${this._images.map((src, i) =>
                        html`<img class="result" id=${'image-' + i} alt="generated image" src=${src}>`)}</div>`}
            </div>`;
    }

    _renderFields() {
        const m = this._model;
        const multiple = m.sizeMultiple || 8;
        return html`
            <vaadin-select id="model" label="Model" .items=${this._models.map(x => ({
                    label: `${x.name} (${x.familyName || x.family})`, value: x.name }))}
                .value=${m.name} @value-changed=${e => this._selectModel(e.detail.value)}
                ?invalid=${!!this._errors.model} .errorMessage=${this._errors.model || ''}></vaadin-select>
            <vaadin-text-area id="prompt" label="Prompt" placeholder="a small red circle on the left of a blue background"
                ?invalid=${!!this._errors.prompt} .errorMessage=${this._errors.prompt || ''}></vaadin-text-area>
            <vaadin-text-field id="negativePrompt" label="Negative prompt" clear-button-visible
                ?invalid=${!!this._errors.negativePrompt} .errorMessage=${this._errors.negativePrompt || ''}></vaadin-text-field>
            <div class="pair">
                <vaadin-select id="scheduler" label="Scheduler" .items=${(m.schedulers || []).map(s => ({ label: s, value: s }))}
                    .value=${m.scheduler} ?invalid=${!!this._errors.scheduler}
                    .errorMessage=${this._errors.scheduler || ''}></vaadin-select>
                <vaadin-integer-field id="steps" label="Steps" min="1" max=${m.maxSteps} step-buttons-visible
                    .value=${String(m.steps)} ?invalid=${!!this._errors.steps}
                    .errorMessage=${this._errors.steps || ''}></vaadin-integer-field>
            </div>
            <div class="pair">
                <vaadin-number-field id="guidanceScale" label="Guidance" min="0" step="0.5" step-buttons-visible
                    .value=${String(m.guidanceScale)} ?invalid=${!!this._errors.guidanceScale}
                    .errorMessage=${this._errors.guidanceScale || ''}></vaadin-number-field>
                <vaadin-integer-field id="seed" label="Seed" placeholder="random" min="0"
                    ?invalid=${!!this._errors.seed} .errorMessage=${this._errors.seed || ''}></vaadin-integer-field>
            </div>
            <div class="pair">
                <vaadin-integer-field id="width" label="Width" min=${multiple} max=${m.maxWidth} step=${multiple}
                    step-buttons-visible .value=${String(m.width)} helper-text=${'a multiple of ' + multiple}
                    ?invalid=${!!this._errors.width} .errorMessage=${this._errors.width || ''}></vaadin-integer-field>
                <vaadin-integer-field id="height" label="Height" min=${multiple} max=${m.maxHeight} step=${multiple}
                    step-buttons-visible .value=${String(m.height)} helper-text=${'a multiple of ' + multiple}
                    ?invalid=${!!this._errors.height} .errorMessage=${this._errors.height || ''}></vaadin-integer-field>
                <vaadin-integer-field id="batchSize" label="Batch" min="1" max=${m.maxBatch} step-buttons-visible
                    value="1" ?invalid=${!!this._errors.batchSize}
                    .errorMessage=${this._errors.batchSize || ''}></vaadin-integer-field>
            </div>`;
    }

    _selectModel(name) {
        const model = this._models.find(m => m.name === name);
        if (model && model !== this._model) {
            this._model = model;
            this._errors = {};
        }
    }

    _field(id) {
        return this.renderRoot.querySelector('#' + id);
    }

    /** A number field's value, or null when blank (the model's default then applies). */
    _number(id) {
        const value = this._field(id).value;
        return value === '' || value === null || value === undefined ? null : Number(value);
    }

    _request() {
        return {
            model: this._model.name,
            prompt: this._field('prompt').value || this._field('prompt').placeholder,
            negativePrompt: this._field('negativePrompt').value || null,
            scheduler: this._field('scheduler').value || null,
            steps: this._number('steps'),
            guidanceScale: this._number('guidanceScale'),
            width: this._number('width'),
            height: this._number('height'),
            seed: this._number('seed'),
            batchSize: this._number('batchSize'),
            previewInterval: 1
        };
    }

    _generate() {
        this._cancel();
        this._errors = {};
        this._failure = null;
        this._images = [];
        this._preview = null;
        this._progress = 0;
        this._status = 'Starting...';
        this._running = true;
        this._observer = this.jsonRpc.generate(this._request())
            .onNext(response => this._onEvent(response.result))
            .onError(error => this._finish('JSON-RPC error: ' + JSON.stringify(error.error || error)));
    }

    _onEvent(event) {
        switch (event.type) {
            case 'started':
                this._status = `Seed ${event.seed}, ${event.width}x${event.height}, ${event.steps} steps, ${event.scheduler}`;
                break;
            case 'step':
                this._progress = event.progress;
                this._status = `Step ${event.index}/${event.total} — ETA ${(event.etaMs / 1000).toFixed(1)} s`;
                if (event.preview) this._preview = event.preview;
                break;
            case 'completed':
                this._progress = 1;
                this._images = event.images || [event.image];
                this._status = `Seed ${event.seed} — ${(event.durationMs / 1000).toFixed(2)} s`;
                this._finish(null);
                break;
            case 'invalid':
                this._showViolations(event.violations);
                this._finish(null);
                this._status = 'Invalid request';
                break;
            case 'cancelled':
                this._status = 'Cancelled';
                this._finish(null);
                break;
            default:
                this._finish(event.message || 'Generation failed');
        }
    }

    _showViolations(violations) {
        const errors = {};
        const others = [];
        for (const v of violations) {
            if (FIELDS.includes(v.field)) {
                errors[v.field] = errors[v.field] ? errors[v.field] + '; ' + v.message : v.message;
            } else {
                others.push(v.field + ': ' + v.message);
            }
        }
        this._errors = errors;
        if (others.length > 0) notifier.showErrorMessage(others.join('\n'), 'bottom-start');
    }

    _finish(failure) {
        this._running = false;
        this._observer = null;
        if (failure) {
            this._failure = failure;
            this._status = 'Failed';
            notifier.showErrorMessage(failure, 'bottom-start');
        }
    }

    _cancel() {
        if (this._observer) {
            // unsubscribing cancels the generation on the server within one step
            this._observer.cancel();
            this._observer = null;
            this._running = false;
            this._status = 'Cancelled';
        }
    }
}
customElements.define('qwc-diffusion4j-playground', QwcDiffusion4jPlayground);
