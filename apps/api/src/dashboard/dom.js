// @ts-check
// Typed access to the page: its elements by id and new elements with their properties. The page
// (index.html) and these modules ship together, so an id the page lacks is a bug, said by name.

/**
 * The page's element `id`, checked to be a `type` (an `HTMLElement` by default).
 *
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {new () => T} [type] e.g. `HTMLInputElement`
 * @returns {T}
 * @example
 * byId('login-token', HTMLInputElement).value
 */
export function byId(id, type) {
  const node = document.getElementById(id)
  if (!(node instanceof (type ?? HTMLElement))) {
    throw new Error(`the dashboard page has no ${type?.name ?? 'element'} #${id}`)
  }
  return /** @type {T} */ (node)
}

/**
 * A new `<tag>` with `props` assigned and `children` appended.
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Partial<HTMLElementTagNameMap[K]>} [props]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 * @example
 * element('p', { className: 'muted', textContent: 'no data' })
 */
export function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children)
  return node
}
