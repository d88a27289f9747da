/** Markdown files imported as text (esbuild loader `text`, jest transform scripts/jest-text-transform.cjs). */
declare module '*.md' {
  const text: string;
  export default text;
}
