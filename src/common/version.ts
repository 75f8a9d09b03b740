/** The connector's name and version, read once from package.json (shipped in the image too). */
import { existsSync, readFileSync } from 'node:fs';

// dist/src/common/version.js sits three levels below package.json; src/common/version.ts (tests, in-process) two.
const packageUrl = [new URL('../../../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find((url) => existsSync(url));
if (!packageUrl) throw new Error(`package.json not found above ${import.meta.url}`);
const packageJson = JSON.parse(readFileSync(packageUrl, 'utf8')) as { name: string; version: string; homepage: string };

export const CONNECTOR_NAME: string = packageJson.name;
export const CONNECTOR_VERSION: string = packageJson.version;
/** Sent with every request, so Hyros can tell our traffic and where to read about it. */
export const USER_AGENT = `${CONNECTOR_NAME}/${CONNECTOR_VERSION} (Airbyte connector; +${packageJson.homepage})`;
