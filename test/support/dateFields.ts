/**
 * Whether a date or date-time field shows its whole value in Chromium. The text of
 * `<input type="date">` and `<input type="datetime-local">` is drawn by the browser's own (user-agent)
 * shadow tree, which page scripts cannot reach and whose overflow the input's own `scrollWidth` does
 * not show; the DevTools protocol reaches it (`DOM.getDocument` with `pierce`), and its editing area,
 * `::-webkit-datetime-edit`, scrolls when the box is narrower than "12/07/2026, 11:00 AM".
 */
import type { Page } from 'playwright-core';

/** A DOM node as `DOM.getDocument` gives it, as far as this reads it. */
interface DomNode {
  nodeType: number;
  nodeName: string;
  backendNodeId: number;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
}

/** One shown date or date-time field: its label, its editing area's widths (px) and whether it stays inside its card. */
export interface DateFieldFit {
  label: string;
  scrollWidth: number;
  clientWidth: number;
  inCard: boolean;
}

const attribute = (node: DomNode, name: string) => {
  const at = node.attributes?.indexOf(name) ?? -1;
  return at >= 0 && at % 2 === 0 ? node.attributes![at + 1] : undefined;
};

function* walk(node: DomNode): Generator<DomNode> {
  yield node;
  for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) yield* walk(child);
}

/**
 * How each date or date-time field shown on `page` (not one inside a closed `<details>`) fits.
 * @throws Error when a shown field's editing area is not drawn (yet, or at all): retry, e.g. `vi.waitFor`.
 */
export async function dateFieldFits(page: Page): Promise<DateFieldFit[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as unknown as { root: DomNode };
    const call = async <T>(node: DomNode, body: string): Promise<T> => {
      const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: node.backendNodeId });
      const { result } = await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId!, functionDeclaration: body, returnByValue: true });
      return result.value as T;
    };
    const fits: DateFieldFit[] = [];
    for (const input of walk(root)) {
      if (input.nodeName !== 'INPUT' || !['date', 'datetime-local'].includes(attribute(input, 'type') ?? '')) continue;
      const shown = await call<{ label: string; inCard: boolean } | null>(
        input,
        `function () {
          // A closed <details> keeps its content laid out, only hidden (content-visibility).
          if (!this.checkVisibility()) return null;
          const box = this.getBoundingClientRect();
          const card = (this.closest('.card') || this.ownerDocument.body).getBoundingClientRect();
          const label = this.labels && this.labels[0] ? this.labels[0].textContent.trim().replace(/\\s+/g, ' ') : this.name;
          return { label, inCard: box.left >= card.left - 0.5 && box.right <= card.right + 0.5 };
        }`,
      );
      if (shown === null) continue;
      // A field the live list has just swapped in may not have its shadow tree drawn yet: the caller measures again.
      const edit = [...walk(input.shadowRoots?.[0] ?? input)].find((node) => attribute(node, 'pseudo') === '-webkit-datetime-edit');
      if (edit === undefined) throw new Error(`Chromium has not drawn ${shown.label}'s ::-webkit-datetime-edit (yet)`);
      const widths = await call<{ scrollWidth: number; clientWidth: number }>(
        edit,
        'function () { return { scrollWidth: this.scrollWidth, clientWidth: this.clientWidth }; }',
      );
      fits.push({ ...shown, ...widths });
    }
    return fits;
  } finally {
    await cdp.detach();
  }
}
