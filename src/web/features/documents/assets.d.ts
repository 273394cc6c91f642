/** Vite resolves `?url` imports to the built asset's address; the pdf.js worker is served from our own origin. */
declare module 'pdfjs-dist/build/pdf.worker.min.mjs?url' {
  const url: string;
  export default url;
}
