/**
 * Staff secrets for the embedded start: ADMIN_PASSWORD and ADMIN_API_TOKEN from the configuration,
 * or generated once and kept in `<DATA_DIR>/admin-secrets.json` (mode 600) so they survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The secrets in force and which of them were generated (and so must be printed). */
export interface AdminSecrets {
  adminPassword: string;
  adminApiToken: string;
  generated: ('ADMIN_PASSWORD' | 'ADMIN_API_TOKEN')[];
}

/** Uses the configured secrets; generates and stores any that are missing. */
export function ensureAdminSecrets(dataDir: string, configured: { adminPassword: string | undefined; adminApiToken: string | undefined }): AdminSecrets {
  const file = path.join(dataDir, 'admin-secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<'adminPassword' | 'adminApiToken', string>>) : {};
  const adminPassword = configured.adminPassword ?? stored.adminPassword ?? randomBytes(9).toString('base64url');
  const adminApiToken = configured.adminApiToken ?? stored.adminApiToken ?? randomBytes(24).toString('base64url');
  // Only generated secrets are kept on disk; configured ones stay where the operator put them.
  const generatedSecrets = {
    ...(configured.adminPassword === undefined ? { adminPassword } : {}),
    ...(configured.adminApiToken === undefined ? { adminApiToken } : {}),
  };
  if (Object.keys(generatedSecrets).length > 0) writeFileSync(file, JSON.stringify(generatedSecrets, null, 2), { mode: 0o600 });
  const generated: AdminSecrets['generated'] = [];
  if (configured.adminPassword === undefined) generated.push('ADMIN_PASSWORD');
  if (configured.adminApiToken === undefined) generated.push('ADMIN_API_TOKEN');
  return { adminPassword, adminApiToken, generated };
}
