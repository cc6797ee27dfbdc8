// @ts-check
// The search view's script. It inserts only HTML that the extension rendered and escaped
// (every piece of indexed text is escaped there); everything else is built with textContent.
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const DEBOUNCE_MS = 250;

  const query = /** @type {HTMLInputElement} */ (document.getElementById('quarry-query'));
  const lang = /** @type {HTMLInputElement} */ (document.getElementById('quarry-lang'));
  const include = /** @type {HTMLInputElement} */ (document.getElementById('quarry-include'));
  const exclude = /** @type {HTMLInputElement} */ (document.getElementById('quarry-exclude'));
  const kind = /** @type {HTMLSelectElement} */ (document.getElementById('quarry-kind'));
  const filters = /** @type {HTMLElement} */ (document.getElementById('quarry-filters'));
  const state = /** @type {HTMLElement} */ (document.getElementById('quarry-state'));
  const results = /** @type {HTMLElement} */ (document.getElementById('quarry-results'));

  /** @type {{query?: string, lang?: string, include?: string, exclude?: string, kind?: string, filtersOpen?: boolean}} */
  const saved = vscode.getState() || {};
  query.value = saved.query || '';
  lang.value = saved.lang || '';
  include.value = saved.include || '';
  exclude.value = saved.exclude || '';
  kind.value = saved.kind === 'code' || saved.kind === 'docs' ? saved.kind : 'all';
  filters.classList.toggle('open', !!saved.filtersOpen || !!(lang.value || include.value || exclude.value || kind.value !== 'all'));

  function save() {
    vscode.setState({
      query: query.value, lang: lang.value, include: include.value, exclude: exclude.value,
      kind: kind.value, filtersOpen: filters.classList.contains('open'),
    });
  }

  function sendSearch() {
    save();
    vscode.postMessage({
      type: 'search',
      query: query.value,
      filters: { languages: lang.value, include: include.value, exclude: exclude.value, kind: kind.value },
    });
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  function scheduleSearch() {
    clearTimeout(timer);
    timer = setTimeout(sendSearch, DEBOUNCE_MS);
  }

  for (const input of [query, lang, include, exclude]) input.addEventListener('input', scheduleSearch);
  kind.addEventListener('change', sendSearch);

  document.getElementById('quarry-toggle-filters')?.addEventListener('click', () => {
    filters.classList.toggle('open');
    save();
  });
  document.getElementById('quarry-open-editor')?.addEventListener('click', () => vscode.postMessage({ type: 'openInEditor' }));

  function items() {
    return /** @type {HTMLElement[]} */ (Array.from(results.querySelectorAll('.quarry-result')));
  }

  function selected() {
    return /** @type {HTMLElement | null} */ (results.querySelector('.quarry-result.selected'));
  }

  /** @param {HTMLElement | undefined} item */
  function select(item) {
    for (const el of results.querySelectorAll('.quarry-result.selected')) {
      el.classList.remove('selected');
      el.setAttribute('aria-selected', 'false');
    }
    if (!item) return;
    item.classList.add('selected');
    item.setAttribute('aria-selected', 'true');
    item.scrollIntoView({ block: 'nearest' });
  }

  /** @param {number} delta */
  function move(delta) {
    const list = items();
    if (list.length === 0) return;
    const current = selected();
    const index = current ? list.indexOf(current) + delta : delta > 0 ? 0 : list.length - 1;
    select(list[Math.max(0, Math.min(list.length - 1, index))]);
  }

  /** @param {HTMLElement} item @param {boolean} preview */
  function open(item, preview) {
    const startLine = Number(item.dataset.startLine);
    const endLine = Number(item.dataset.endLine);
    vscode.postMessage({
      type: 'open',
      preview,
      location: { root: item.dataset.root || '', path: item.dataset.path || '', startLine, endLine },
    });
  }

  document.addEventListener('keydown', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target !== query && !results.contains(target)) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      move(event.key === 'ArrowDown' ? 1 : -1);
    } else if (event.key === 'Enter') {
      const item = selected() || (target === query ? items()[0] : undefined);
      if (item) {
        event.preventDefault();
        select(item);
        open(item, false);
      }
    }
  });

  results.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const item = /** @type {HTMLElement | null} */ (target.closest('.quarry-result'));
    if (!item) return;
    select(item);
    if (target.closest('.quarry-expand')) {
      item.classList.toggle('expanded');
      return;
    }
    open(item, false);
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'results') {
      results.dataset.mode = message.mode === 'similar' ? 'similar' : 'search';
      // Which query these results answer: lets a reader (or a test) tell fresh results from stale ones.
      results.dataset.query = String(message.query ?? '');
      // Rendered by the extension from escaped text only (src/extension/views/render.ts).
      results.innerHTML = String(message.html);
      state.textContent = String(message.state);
      state.classList.remove('busy');
    } else if (message.type === 'state') {
      state.textContent = String(message.text);
      state.classList.toggle('busy', !!message.busy);
    } else if (message.type === 'query') {
      query.value = String(message.query);
      sendSearch();
    }
  });

  // After a hide/show the extension answers `ready` with the results it still has; only
  // when it has none (a reload) is the saved query searched again.
  let restoring = !!query.value;
  window.addEventListener('message', (event) => {
    if (!restoring || !event.data || typeof event.data !== 'object') return;
    restoring = false;
    if (event.data.type === 'state') sendSearch();
  });
  vscode.postMessage({ type: 'ready' });
  // Says the script runs (a view whose resources failed to load shows its HTML only).
  document.documentElement.dataset.quarryScript = 'running';
  query.focus();
})();
