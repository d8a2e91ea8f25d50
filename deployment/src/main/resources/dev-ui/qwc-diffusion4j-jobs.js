import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';

/** Recent jobs of the generation queue (empty when the application has no queue). Refreshes every 2 s. */
export class QwcDiffusion4jJobs extends LitElement {
    jsonRpc = new JsonRpc(this);
    static styles = css`table { border-collapse: collapse; } td, th { padding: 4px 12px; text-align: left; }`;
    static properties = { _jobs: { state: true }, _stats: { state: true } };

    connectedCallback() {
        super.connectedCallback();
        this._refresh();
        this._timer = setInterval(() => this._refresh(), 2000);
    }

    disconnectedCallback() {
        clearInterval(this._timer);
        super.disconnectedCallback();
    }

    _refresh() {
        this.jsonRpc.getRecentJobs().then(r => this._jobs = r.result);
        this.jsonRpc.getStats().then(r => this._stats = r.result);
    }

    render() {
        const stats = this._stats ? html`<p>queued: ${this._stats.queueDepth}, running: ${this._stats.activeJobs}</p>` : '';
        if (!this._jobs || this._jobs.length === 0) return html`${stats}<p>No jobs yet.</p>`;
        return html`${stats}<table>
            <tr><th>id</th><th>model</th><th>state</th><th>progress</th><th>submitted</th><th>prompt</th></tr>
            ${this._jobs.map(j => html`<tr><td>${j.id}</td><td>${j.model}</td><td>${j.state}</td>
                <td>${Math.round(j.progress * 100)}%</td><td>${j.submitted}</td><td>${j.prompt}</td></tr>`)}
        </table>`;
    }
}
customElements.define('qwc-diffusion4j-jobs', QwcDiffusion4jJobs);
