// Makes s3rver 3.7.1 accept what AWSSDK.S3 v4 sends with its default settings (see ../shared/RECIPES.md §2):
//  1. bodies in aws-chunked framing (`<hex>[;chunk-signature=...]\r\n<data>\r\n ... 0...\r\n<trailers>\r\n`)
//     are decoded before they are stored, for PutObject and UploadPart; `aws-chunked` is not stored as
//     the object's Content-Encoding;
//  2. the CopyObject source header is decoded with decodeURIComponent, so `bucket%2Fkey` works.
// Usage: node scripts/s3rver-patch.js <path to node_modules/s3rver>. Running it twice changes nothing.
'use strict';

const fs = require('fs');
const path = require('path');

const root = process.argv[2];
if (!root) {
  console.error('usage: node s3rver-patch.js <node_modules/s3rver>');
  process.exit(2);
}
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
if (version !== '3.7.1') {
  console.error(`s3rver-patch: written for s3rver 3.7.1, found ${version}`);
  process.exit(1);
}

const decoderSource = `'use strict';
// Added by FaceMask's scripts/s3rver-patch.js: decodes aws-chunked request bodies.
const { Transform } = require('stream');

function isAwsChunked(headers) {
  const encoding = headers['content-encoding'] || '';
  const sha = headers['x-amz-content-sha256'] || '';
  return encoding.split(',').some(e => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

function decoder() {
  let buffer = Buffer.alloc(0);
  let remaining = -1; // bytes of chunk data still to pass on; -1 = expecting a chunk header
  let done = false;
  return new Transform({
    transform(chunk, encoding, callback) {
      if (done) return callback();
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (remaining > 0) {
          if (buffer.length === 0) break;
          const take = Math.min(remaining, buffer.length);
          this.push(buffer.subarray(0, take));
          buffer = buffer.subarray(take);
          remaining -= take;
          if (remaining > 0) break;
          remaining = -2; // the CRLF after the data
        }
        if (remaining === -2) {
          if (buffer.length < 2) break;
          buffer = buffer.subarray(2);
          remaining = -1;
        }
        const eol = buffer.indexOf('\\r\\n');
        if (eol < 0) break;
        const header = buffer.subarray(0, eol).toString('latin1');
        buffer = buffer.subarray(eol + 2);
        const size = parseInt(header.split(';')[0], 16);
        if (Number.isNaN(size)) return callback(new Error('malformed aws-chunked body'));
        if (size === 0) { done = true; buffer = Buffer.alloc(0); break; } // trailers follow: ignored
        remaining = size;
      }
      callback();
    },
    flush(callback) {
      callback(done ? null : new Error('truncated aws-chunked body'));
    },
  });
}

module.exports = function body(ctx) {
  if (!isAwsChunked(ctx.headers)) return ctx.req;
  const decoded = ctx.req.pipe(decoder());
  ctx.req.on('error', err => decoded.destroy(err));
  return decoded;
};
module.exports.isAwsChunked = isAwsChunked;
`;

const marker = 'facemask-aws-chunked';
fs.writeFileSync(path.join(root, 'lib', `${marker}.js`), decoderSource);

function patch(relative, edits) {
  const file = path.join(root, relative);
  let text = fs.readFileSync(file, 'utf8');
  if (text.includes(marker)) return;
  for (const [from, to] of edits) {
    if (!text.includes(from)) {
      console.error(`s3rver-patch: ${relative} does not contain: ${from}`);
      process.exit(1);
    }
    text = text.split(from).join(to);
  }
  fs.writeFileSync(file, text);
}

patch('lib/controllers/object.js', [
  ["'use strict';", `'use strict';\nconst awsChunkedBody = require('../${marker}');`],
  [
    '    ctx.params.key,\n    ctx.req,\n    ctx.headers,\n  );',
    '    ctx.params.key,\n    awsChunkedBody(ctx),\n    ctx.headers,\n  );',
  ],
  ['      ctx.query.partNumber,\n      ctx.req,\n', '      ctx.query.partNumber,\n      awsChunkedBody(ctx),\n'],
  ["decodeURI(ctx.headers['x-amz-copy-source'])", "decodeURIComponent(ctx.headers['x-amz-copy-source'])"],
]);

patch('lib/models/object.js', [
  [
    "    if (!this.metadata['content-type']) {",
    `    // ${marker}: the transfer encoding is not the object's content encoding
    if (this.metadata['content-encoding']) {
      const rest = this.metadata['content-encoding'].split(',').map(e => e.trim()).filter(e => e && e !== 'aws-chunked');
      if (rest.length) this.metadata['content-encoding'] = rest.join(',');
      else delete this.metadata['content-encoding'];
    }
    if (!this.metadata['content-type']) {`,
  ],
]);

console.log('s3rver patched: aws-chunked bodies decoded, CopyObject source decoded with decodeURIComponent');
