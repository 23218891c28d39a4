/** The page's element with this id, checked to be of the expected kind (a renamed id fails loudly). */
export function element<T extends HTMLElement>(id: string, kind: abstract new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof kind)) throw new Error(`the demo page has no <${kind.name}> #${id}`);
  return found;
}

/** Shared local settings (model, head choice, sharing), one key per setting. */
export const settings = {
  get(name: string): string | null {
    try {
      return localStorage.getItem(`edgetune-demo.${name}`);
    } catch {
      return null; // storage disabled: every setting is its default
    }
  },
  set(name: string, value: string): void {
    try {
      localStorage.setItem(`edgetune-demo.${name}`, value);
    } catch {
      // storage disabled: the choice lasts for this visit only
    }
  },
};
