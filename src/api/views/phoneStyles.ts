/**
 * The phone simulator's styles: a narrow column of panels, the conversation as chat bubbles, a keypad.
 */

/** CSS for the phone simulator (a constant; no user data). */
export const PHONE_CSS = `
.page { max-width: 760px; margin: 0 auto; padding: 16px; display: grid; gap: 16px; }
.simulator { display: block; background: var(--next-soft); color: var(--next); border-color: #f3d19e; }
.panel { padding: 16px; display: grid; gap: 12px; }
.panel h2 { font-size: 1.05rem; }
.row { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; }
.field { display: grid; gap: 4px; font-weight: 600; flex: 1 1 200px; }
.field input, .field select, .field textarea {
  min-height: 48px; padding: 10px 12px; border: 1px solid var(--line); border-radius: 10px; background: #fbfcfc; font: inherit;
}
.field textarea { min-height: 72px; resize: vertical; }
.field-error input { border-color: var(--danger); }
.channel-note { font-weight: 400; font-size: .85rem; color: var(--muted); }
.field-message { color: var(--danger); font-weight: 600; font-size: .92rem; }
.said { padding: 12px 14px; border-radius: 10px; background: var(--accent-soft); white-space: pre-wrap; }
.quick { display: flex; flex-wrap: wrap; gap: 8px; }
.chat-log { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; max-height: 60vh; overflow-y: auto; }
.msg { max-width: 85%; padding: 10px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg-outbound { justify-self: start; background: var(--surface); border: 1px solid var(--line); }
.msg-inbound { justify-self: end; background: var(--accent); color: var(--accent-ink); }
.msg-meta { display: block; margin-top: 4px; font-size: .8rem; color: var(--muted); }
.msg-inbound .msg-meta { color: var(--accent-ink); }
.msg-failed .msg-meta { color: var(--danger); font-weight: 600; }
.empty { color: var(--muted); }
.call { border-color: var(--room); background: var(--room-soft); }
.keypad { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; max-width: 320px; }
.keypad .btn { font-size: 1.3rem; }
.keypad .no-key { grid-column: 1 / -1; font-size: 1rem; }
`;
