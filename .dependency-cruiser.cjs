/**
 * The layout's rules (README, Development): two connectors over shared rooms.
 *   src/source, src/destination  →  src/hyros  →  src/protocol  →  src/common
 * A connector never imports the other; a shared room never imports a connector or a room above it;
 * no import cycles. `npm test` runs this (test/architecture.test.ts); `npm run lint:deps` prints it.
 */
const CONNECTORS = '^src/(source|destination)/';
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'No import cycles anywhere in src/.', from: { path: '^src/' }, to: { circular: true } },
    { name: 'source-not-destination', severity: 'error', comment: 'The source never imports the destination.', from: { path: '^src/source/' }, to: { path: '^src/destination/' } },
    { name: 'destination-not-source', severity: 'error', comment: 'The destination never imports the source.', from: { path: '^src/destination/' }, to: { path: '^src/source/' } },
    { name: 'hyros-below-connectors', severity: 'error', comment: 'The Hyros client serves both connectors and imports neither.', from: { path: '^src/hyros/' }, to: { path: `${CONNECTORS}|^src/tools/` } },
    { name: 'protocol-below-hyros', severity: 'error', comment: 'The Airbyte protocol room knows nothing of Hyros or the connectors.', from: { path: '^src/protocol/' }, to: { path: `${CONNECTORS}|^src/(hyros|tools)/` } },
    { name: 'common-at-the-bottom', severity: 'error', comment: 'src/common imports only src/common.', from: { path: '^src/common/' }, to: { path: '^src/(?!common/)' } },
    { name: 'only-tools-import-tools', severity: 'error', comment: 'Build-time tools are not part of the connectors.', from: { path: '^src/(?!tools/)' }, to: { path: '^src/tools/' } },
    { name: 'src-not-tests', severity: 'error', comment: 'Production code never imports tests, the sandbox or scripts.', from: { path: '^src/' }, to: { path: '^(test|integration_tests|scripts)/' } },
    { name: 'source-tests-not-destination', severity: 'error', comment: 'A test sits with the code it tests.', from: { path: '^(test|integration_tests)/source/' }, to: { path: '^src/destination/' } },
    { name: 'destination-tests-not-source', severity: 'error', comment: 'A test sits with the code it tests.', from: { path: '^(test|integration_tests)/destination/' }, to: { path: '^src/source/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
