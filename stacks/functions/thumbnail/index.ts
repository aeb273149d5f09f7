import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, S3Event, S3EventRecord, SNSEvent } from 'aws-lambda';
import { Jimp, JimpMime } from 'jimp';

/**
 * Thumbnail function (seed 000's media pipeline): an upload lands in S3, S3 notifies an SNS
 * topic, SNS invokes this function with the S3 event wrapped in each record's Message. It
 * reads the image, scales it to fit THUMBNAIL_WIDTH × THUMBNAIL_HEIGHT and writes a JPEG under
 * THUMBNAIL_PREFIX in THUMBNAIL_BUCKET (the bucket of the upload when unset). A failure throws,
 * so Lambda retries the event and then sends it to the dead-letter queue.
 * Kong's aws-lambda plugin (API Gateway format) may also ask for one: `POST {"key": "uploads/x.jpg"}`
 * thumbnails that object of SOURCE_BUCKET, only under SOURCE_PREFIX.
 */

export interface ThumbnailConfig {
  readonly bucket?: string;
  readonly prefix: string;
  readonly width: number;
  readonly height: number;
}

export interface ThumbnailResult {
  readonly source: { readonly bucket: string; readonly key: string };
  readonly target: { readonly bucket: string; readonly key: string };
  readonly width: number;
  readonly height: number;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 4096) throw new Error(`${name} must be an integer 1–4096, got "${raw}"`);
  return n;
}

export function configFromEnv(): ThumbnailConfig {
  return {
    bucket: process.env.THUMBNAIL_BUCKET || undefined,
    prefix: process.env.THUMBNAIL_PREFIX ?? 'thumbnails/',
    width: positiveInt('THUMBNAIL_WIDTH', 256),
    height: positiveInt('THUMBNAIL_HEIGHT', 256),
  };
}

/** S3 records of an SNS-wrapped S3 event (or of a direct S3 event). S3's test events carry no records. */
export function s3Records(event: SNSEvent | S3Event): S3EventRecord[] {
  const out: S3EventRecord[] = [];
  for (const record of event.Records ?? []) {
    if ('Sns' in record) {
      const inner = JSON.parse(record.Sns.Message) as Partial<S3Event> & { Event?: string };
      if (inner.Event === 's3:TestEvent') continue;
      out.push(...(inner.Records ?? []));
    } else if ('s3' in record) {
      out.push(record);
    }
  }
  return out.filter((r) => r.eventName.startsWith('ObjectCreated:'));
}

/** `uploads/a/cat.png` → `thumbnails/a/cat.jpg` (the key's first segment replaced by the prefix). */
export function thumbnailKey(key: string, prefix: string): string {
  const rest = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  return `${prefix}${rest.replace(/\.[^./]+$/, '')}.jpg`;
}

const s3 = new S3Client({});

async function process1(record: S3EventRecord, cfg: ThumbnailConfig, client: S3Client): Promise<ThumbnailResult> {
  const bucket = record.s3.bucket.name;
  // S3 event keys are URL-encoded with "+" for spaces.
  const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
  const target = { bucket: cfg.bucket ?? bucket, key: thumbnailKey(key, cfg.prefix) };
  if (target.bucket === bucket && key.startsWith(cfg.prefix)) throw new Error(`refusing to thumbnail ${key}: it is under the output prefix ${cfg.prefix} (would loop)`);
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  const image = await Jimp.read(Buffer.from(await object.Body.transformToByteArray()));
  image.scaleToFit({ w: cfg.width, h: cfg.height });
  const jpeg = await image.getBuffer(JimpMime.jpeg, { quality: 80 });
  await client.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: target.key,
      Body: jpeg,
      ContentType: 'image/jpeg',
      Metadata: { 'source-key': key },
    }),
  );
  return { source: { bucket, key }, target, width: image.bitmap.width, height: image.bitmap.height };
}

const reply = (statusCode: number, body: unknown): APIGatewayProxyResult => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** An HTTP request through Kong: thumbnail one object of the source bucket. */
async function fromHttp(event: APIGatewayProxyEvent, cfg: ThumbnailConfig, client: S3Client): Promise<APIGatewayProxyResult> {
  if (event.httpMethod !== 'POST') return reply(405, { error: 'use POST' });
  const bucket = process.env.SOURCE_BUCKET;
  const prefix = process.env.SOURCE_PREFIX ?? '';
  if (!bucket) return reply(500, { error: 'SOURCE_BUCKET is not configured' });
  let key: unknown;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    key = (JSON.parse(text) as { key?: unknown }).key;
  } catch {
    return reply(400, { error: 'body must be JSON: {"key": "<object key>"}' });
  }
  if (typeof key !== 'string' || !key.startsWith(prefix) || key.includes('..')) return reply(400, { error: `key must be an object key under "${prefix}"` });
  const record = { eventName: 'ObjectCreated:Api', s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } } as unknown as S3EventRecord;
  try {
    return reply(200, await process1(record, cfg, client));
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return reply(404, { error: `no object ${key}` });
    throw e;
  }
}

/** Lambda entry point (`index.handler`). */
export async function handler(event: SNSEvent | S3Event | APIGatewayProxyEvent, _context?: unknown, client: S3Client = s3): Promise<ThumbnailResult[] | APIGatewayProxyResult> {
  const cfg = configFromEnv();
  if ('httpMethod' in event) return fromHttp(event, cfg, client);
  const results: ThumbnailResult[] = [];
  for (const record of s3Records(event)) results.push(await process1(record, cfg, client));
  return results;
}
