// The baseline for tools/bench/ingress: what the old edge functions did for
// a Meta webhook, with Node's standard library only. It checks the
// X-Hub-Signature-256 HMAC over the raw body in constant time, parses the
// JSON and answers 200, persisting nothing.
//
//   node tools/bench/peer/server.js <port> <app secret>
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');

const port = Number(process.argv[2] || 8090);
const secret = process.argv[3] || 'bench-app-secret';

function validSignature(body, header) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const claimed = Buffer.from(header.slice(7), 'hex');
  const actual = crypto.createHmac('sha256', secret).update(body).digest();
  return claimed.length === actual.length && crypto.timingSafeEqual(claimed, actual);
}

function answer(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhook') return answer(res, 404, '{"error":"not found"}');
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (!validSignature(body, req.headers['x-hub-signature-256'])) {
      return answer(res, 401, '{"error":"invalid signature"}');
    }
    try {
      JSON.parse(body.toString('utf8'));
    } catch (e) {
      return answer(res, 400, '{"error":"malformed JSON"}');
    }
    answer(res, 200, '{"status":"ok"}');
  });
});

server.keepAliveTimeout = 60000;
server.listen(port, '127.0.0.1', () => console.log(`peer listening on ${port}`));
