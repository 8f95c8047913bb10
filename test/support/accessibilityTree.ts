/**
 * What a screen reader is given on a page in Chromium: the page's accessibility tree, read through the
 * DevTools protocol (`Accessibility.getFullAXTree`), the tree assistive technology reads, not the HTML.
 */
import type { Page } from 'playwright-core';

/** One node of Chromium's accessibility tree, as far as these helpers read it. */
interface AXNode {
  nodeId: string;
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  description?: { value: string };
  properties?: { name: string; value: { value: unknown } }[];
  childIds?: string[];
}

/** How a refusal reaches a screen reader on `page` as it is now. */
export interface SpokenRefusals {
  /** The text of every alert in the tree (role `alert`): each is announced as such. */
  alerts: string[];
  /** The control that has focus: its accessible name and description (what is read as focus lands). */
  focused: { role: string; name: string; description: string } | undefined;
}

/** Reads the alerts of `page`'s accessibility tree and what its focused control says. */
export async function spokenRefusals(page: Page): Promise<SpokenRefusals> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as unknown as { nodes: AXNode[] };
    const byId = new Map(nodes.map((node) => [node.nodeId, node]));
    const text = (node: AXNode): string =>
      node.role?.value === 'StaticText'
        ? (node.name?.value ?? '')
        : (node.childIds ?? [])
            .map((id) => byId.get(id))
            .map((child) => (child === undefined ? '' : text(child)))
            .join('');
    // The document says it is focused too: the control is the focused node inside it.
    const focused = nodes.find(
      (node) => !node.ignored && node.role?.value !== 'RootWebArea' && node.properties?.some((p) => p.name === 'focused' && p.value.value === true),
    );
    return {
      alerts: nodes.filter((node) => !node.ignored && node.role?.value === 'alert').map((node) => text(node).trim()),
      focused:
        focused === undefined ? undefined : { role: focused.role?.value ?? '', name: focused.name?.value ?? '', description: focused.description?.value ?? '' },
    };
  } finally {
    await cdp.detach();
  }
}
