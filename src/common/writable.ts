/**
 * Whether a file the connector is asked to write (rejected records, the state for the next run) can
 * be written, found out before any work and without creating it: the folder must exist and be
 * writable, and the path must not be a folder or a file we may not write.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Why `path` cannot be written (a fact to follow the path in a message), or undefined when it can. */
export async function writableFileProblem(path: string): Promise<string | undefined> {
  const absolute = resolve(path);
  const folder = dirname(absolute);
  const existing = await stat(absolute).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error));
  if (existing instanceof Error) return `cannot be read (${existing.code ?? existing.message})`;
  if (existing?.isDirectory()) return 'is a folder';
  if (existing) {
    return (await canWrite(absolute)) ? undefined : 'is a file this user may not write';
  }
  const parent = await stat(folder).catch(() => undefined);
  if (!parent) return `is in a folder that does not exist (${folder})`;
  if (!parent.isDirectory()) return `is in ${folder}, which is not a folder`;
  return (await canWrite(folder)) ? undefined : `is in a folder this user may not write (${folder})`;
}

async function canWrite(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
