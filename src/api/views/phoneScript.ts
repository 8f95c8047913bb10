/**
 * The phone simulator's small inline script: re-reads the server-rendered chat every 2 seconds (while
 * the page is visible) so replies, receipts and a ringing call show without a reload, and keeps the
 * newest message in view. Without JavaScript the page's Refresh link does the same.
 */

/** How often the open simulator re-reads its chat (ms). */
export const PHONE_REFRESH_MS = 2_000;

/** Browser JavaScript for the simulator page (a constant; it reads the chat URL from `data-chat`). */
export const PHONE_SCRIPT = `
(() => {
  const chat = document.getElementById('chat');
  if (!chat || !chat.dataset.chat) return;
  const scrollToNewest = () => {
    const log = chat.querySelector('.chat-log');
    if (log) log.scrollTop = log.scrollHeight;
  };
  scrollToNewest();
  let last = '';
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(chat.dataset.chat, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      if (response.status === 401) { location.reload(); return; }
      if (!response.ok) return;
      const fragment = await response.text();
      if (fragment === last) return;
      last = fragment;
      chat.innerHTML = fragment;
      scrollToNewest();
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  };
  setInterval(refresh, ${PHONE_REFRESH_MS});
})();
`;
