import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import { notifier } from 'notifier';
import '@vaadin/grid';
import { columnBodyRenderer } from '@vaadin/grid/lit.js';
import '@vaadin/button';
import '@vaadin/progress-bar';
import '@vaadin/icon';
import '@qomponent/qui-badge';

const BADGES = { running: 'contrast', queued: 'contrast', completed: 'success', failed: 'error', cancelled: 'warning' };
const MAX_ROWS = 20;

/**
 * Recent generations of every model (REST queue jobs, injected pipelines, the playground), live: the list is read
 * once, then each start, step and end arrives over the JSON-RPC stream and updates its row in place (no polling).
 */
export class QwcDiffusion4jJobs extends LitElement {
    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: flex; flex-direction: column; gap: 8px; padding: 8px; height: 100%; }
        .stats { color: var(--lumo-secondary-text-color); }
        img.thumbnail { width: 48px; height: 48px; image-rendering: pixelated; object-fit: contain; }
        .prompt { white-space: normal; }
        vaadin-progress-bar { width: 6em; }`;

    static properties = { _jobs: { state: true }, _stats: { state: true }, _now: { state: true } };

    constructor() {
        super();
        this._jobs = [];
        this._now = Date.now();
    }

    connectedCallback() {
        super.connectedCallback();
        this.jsonRpc.getRecentJobs().then(r => this._merge(r.result));
        this._refreshStats();
        this._updates = this.jsonRpc.streamJobs().onNext(response => {
            this._merge([response.result]);
            this._refreshStats();
        });
        // relative times ("12 s ago") age by themselves: a redraw, not a request
        this._clock = setInterval(() => this._now = Date.now(), 5000);
    }

    disconnectedCallback() {
        if (this._updates) this._updates.cancel();
        clearInterval(this._clock);
        super.disconnectedCallback();
    }

    _refreshStats() {
        this.jsonRpc.getStats().then(r => this._stats = r.result);
    }

    /** Rows by id, newest first; an update replaces its row where it is, a removed one (left the queue) goes. */
    _merge(rows) {
        let jobs = [...this._jobs];
        for (const row of rows) {
            if (row.removed) {
                jobs = jobs.filter(j => j.id !== row.id);
                continue;
            }
            const i = jobs.findIndex(j => j.id === row.id);
            if (i >= 0) jobs[i] = row; else jobs.push(row);
        }
        jobs.sort((a, b) => Date.parse(b.submitted) - Date.parse(a.submitted));
        this._jobs = jobs.slice(0, MAX_ROWS);
    }

    render() {
        const stats = this._stats
            ? html`<span class="stats">Queued: ${this._stats.queueDepth} — running: ${this._stats.activeJobs}</span>` : '';
        if (this._jobs.length === 0) return html`${stats}<p id="no-jobs">No generations yet.</p>`;
        return html`${stats}
            <vaadin-grid id="jobs" .items=${this._jobs} theme="row-stripes compact" all-rows-visible>
                <vaadin-grid-column header="Image" auto-width flex-grow="0" ${columnBodyRenderer(j => this._thumbnail(j), [])}></vaadin-grid-column>
                <vaadin-grid-column header="Prompt" flex-grow="2" ${columnBodyRenderer(j => html`<span class="prompt">${j.prompt}</span>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Model" auto-width path="model"></vaadin-grid-column>
                <vaadin-grid-column header="State" auto-width ${columnBodyRenderer(j => this._state(j), [])}></vaadin-grid-column>
                <vaadin-grid-column header="Seed" auto-width ${columnBodyRenderer(j => html`${j.seed ?? ''}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Duration" auto-width ${columnBodyRenderer(j => html`${this._duration(j)}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Submitted" auto-width ${columnBodyRenderer(j => this._submitted(j), [this._now])}></vaadin-grid-column>
                <vaadin-grid-column header="" auto-width flex-grow="0" ${columnBodyRenderer(j => this._actions(j), [])}></vaadin-grid-column>
            </vaadin-grid>`;
    }

    _thumbnail(job) {
        return job.thumbnail ? html`<img class="thumbnail" src=${job.thumbnail} alt="thumbnail">` : html``;
    }

    _state(job) {
        const badge = html`<qui-badge level=${BADGES[job.state] || 'contrast'} small><span>${job.state}</span></qui-badge>`;
        if (job.state !== 'running') return job.error ? html`${badge} <span title=${job.error}>${job.error}</span>` : badge;
        return html`${badge} <vaadin-progress-bar .value=${job.progress || 0}></vaadin-progress-bar>
            ${job.total ? html`${job.step}/${job.total}` : ''}`;
    }

    _duration(job) {
        if (job.durationMs === undefined || job.durationMs === null) return '';
        return job.durationMs < 1000 ? `${job.durationMs} ms` : `${(job.durationMs / 1000).toFixed(1)} s`;
    }

    _submitted(job) {
        const at = new Date(job.submitted);
        const seconds = Math.max(0, Math.round((this._now - at.getTime()) / 1000));
        const ago = seconds < 60 ? `${seconds} s ago` : seconds < 3600 ? `${Math.floor(seconds / 60)} min ago`
            : `${Math.floor(seconds / 3600)} h ago`;
        return html`<span title=${at.toLocaleString()}>${at.toLocaleTimeString()} (${ago})</span>`;
    }

    _actions(job) {
        if (!job.cancellable) return html``;
        return html`<vaadin-button theme="tertiary error small" class="cancel" @click=${() => this._cancelJob(job)}>
            <vaadin-icon icon="font-awesome-solid:stop" slot="prefix"></vaadin-icon>Cancel</vaadin-button>`;
    }

    _cancelJob(job) {
        this.jsonRpc.cancelJob({ id: job.id }).then(r => {
            if (r.result.cancelled) notifier.showInfoMessage(`Cancelled: ${job.prompt}`, 'bottom-start');
            else notifier.showWarningMessage('It had already ended', 'bottom-start');
        });
    }
}
customElements.define('qwc-diffusion4j-jobs', QwcDiffusion4jJobs);
