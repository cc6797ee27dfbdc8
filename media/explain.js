// @ts-check
// The explain view's script. It inserts only HTML that the extension rendered and escaped;
// sections fold open and shut, entries open their location.
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const root = /** @type {HTMLElement} */ (document.getElementById('quarry-explain'));
  const state = /** @type {HTMLElement} */ (document.getElementById('quarry-explain-state'));

  /** @type {{collapsed?: string[]}} */
  const saved = vscode.getState() || {};
  const collapsed = new Set(Array.isArray(saved.collapsed) ? saved.collapsed : []);

  /** @param {HTMLElement} section @param {boolean} shut */
  function setCollapsed(section, shut) {
    section.classList.toggle('collapsed', shut);
    const head = section.querySelector('.quarry-section-head');
    head?.setAttribute('aria-expanded', String(!shut));
    head?.querySelector('.codicon')?.classList.replace(shut ? 'codicon-chevron-down' : 'codicon-chevron-right', shut ? 'codicon-chevron-right' : 'codicon-chevron-down');
  }

  /** @param {HTMLElement} entry */
  function open(entry) {
    const startLine = Number(entry.dataset.startLine);
    const endLine = Number(entry.dataset.endLine || entry.dataset.startLine);
    vscode.postMessage({
      type: 'open',
      preview: false,
      location: { root: entry.dataset.root || '', path: entry.dataset.path || '', startLine, endLine },
    });
  }

  root.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const head = target.closest('.quarry-section-head');
    if (head) {
      const section = /** @type {HTMLElement} */ (head.closest('.quarry-section'));
      const name = section.dataset.section || '';
      const shut = !section.classList.contains('collapsed');
      setCollapsed(section, shut);
      if (shut) collapsed.add(name); else collapsed.delete(name);
      vscode.setState({ collapsed: Array.from(collapsed) });
      return;
    }
    const entry = /** @type {HTMLElement | null} */ (target.closest('.quarry-entry'));
    if (entry) open(entry);
  });

  root.addEventListener('keydown', (event) => {
    const entry = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (event.target).closest('.quarry-entry'));
    if (entry && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      open(entry);
    }
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object' || message.type !== 'explanation') return;
    // Rendered by the extension from escaped text only (src/extension/views/render.ts).
    root.innerHTML = String(message.html);
    state.textContent = String(message.state);
    for (const section of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('.quarry-section'))) {
      setCollapsed(section, collapsed.has(section.dataset.section || ''));
    }
  });

  vscode.postMessage({ type: 'ready' });
  // Says the script runs (a view whose resources failed to load shows its HTML only).
  document.documentElement.dataset.quarryScript = 'running';
})();
