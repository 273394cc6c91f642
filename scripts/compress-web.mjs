/**
 * After `vite build`: writes a Brotli (.br) and a gzip (.gz) copy next to every compressible file of
 * dist/web, so the server sends them as they are (@fastify/static `preCompressed`, chosen by the
 * request's Accept-Encoding) and never compresses a static file per request. A copy that would not be
 * smaller is not written (the server then sends the file itself).
 *
 *   node scripts/compress-web.mjs [dir]     (default: dist/web)
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|map|txt|xml|webmanifest)$/;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else if (COMPRESSIBLE.test(entry.name)) yield p;
  }
}

export async function compressDir(dir) {
  const started = Date.now();
  let before = 0;
  let br = 0;
  let gz = 0;
  let count = 0;
  const jobs = [];
  for await (const file of files(dir)) {
    jobs.push(
      (async () => {
        const data = await readFile(file);
        // Source maps are only read by developer tools: a faster setting is plenty for them.
        const quality = file.endsWith('.map') ? 6 : zlib.constants.BROTLI_MAX_QUALITY;
        const [b, g] = await Promise.all([
          brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } }),
          gzip(data, { level: 9 }),
        ]);
        if (b.length < data.length) await writeFile(`${file}.br`, b);
        if (g.length < data.length) await writeFile(`${file}.gz`, g);
        if (!file.endsWith('.map')) {
          before += data.length;
          br += Math.min(b.length, data.length);
          gz += Math.min(g.length, data.length);
          count++;
        }
      })(),
    );
  }
  await Promise.all(jobs);
  return { count, before, br, gz, ms: Date.now() - started };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../dist/web'));
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new Error(`${dir} is not a folder`);
  const r = await compressDir(dir);
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`compressed ${r.count} files (and their source maps) in ${r.ms} ms: ${kb(r.before)} → brotli ${kb(r.br)}, gzip ${kb(r.gz)}`);
}
