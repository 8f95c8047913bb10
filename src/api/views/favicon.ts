/**
 * The pages' icon (served as /admin/assets/favicon.svg and linked by every page's layout): the
 * clinic-teal square with a white "F", so the browser asks for no `/favicon.ico` and logs no 404.
 */

/** The icon as SVG (a constant; 32 × 32 user units, scales to any size). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0f766e"/><path d="M11 7h11v4h-7v4h6v4h-6v6h-4z" fill="#fff"/></svg>
`;
