// Jest transform: a text file (the agents' markdown instructions) becomes a module
// whose default export is its content, as esbuild's `text` loader bundles it.
module.exports = {
  process(sourceText) {
    return { code: `export default ${JSON.stringify(sourceText)};` };
  },
};
