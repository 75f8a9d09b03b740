/** The connector's name and version, read once from package.json (shipped in the image too). */
import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export const CONNECTOR_NAME: string = packageJson.name;
export const CONNECTOR_VERSION: string = packageJson.version;
export const USER_AGENT = `${CONNECTOR_NAME}/${CONNECTOR_VERSION} (Airbyte source; +https://docs.airbyte.com/integrations/sources/hyros)`;
