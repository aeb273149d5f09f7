/**
 * The reference stack's thumbnail function (stacks/functions/thumbnail), invoked as SNS
 * invokes it after an S3 upload (seed 000), with S3 mocked by aws-sdk-client-mock.
 *
 * The handler runs as esbuild bundles it for Lambda (jimp loads its format detector with a
 * dynamic `import()`, which only the bundle turns into something jest can run); the AWS SDK
 * stays external so the mock replaces the very client the handler uses.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Jimp, JimpMime } from 'jimp';
import type * as Thumbnail from '../../stacks/functions/thumbnail';

const outfile = path.join(__dirname, '../../build/test/thumbnail-handler.js');
fs.mkdirSync(path.dirname(outfile), { recursive: true });
buildSync({
  entryPoints: [path.join(__dirname, '../../stacks/functions/thumbnail/index.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile,
  external: ['@aws-sdk/*'],
  logLevel: 'silent',
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler, s3Records, thumbnailKey } = require(outfile) as typeof Thumbnail;

const s3 = mockClient(S3Client);

/** What S3 sends to the topic for one new object, wrapped as SNS hands it to Lambda. */
function snsEvent(bucket: string, key: string, eventName = 'ObjectCreated:Put'): SNSEvent {
  const s3Event = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-1',
        eventName,
        s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key, size: 1 } },
      },
    ],
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:acme-prod-thumbnail-s3-1:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'm1',
          TopicArn: 'arn:aws:sns:eu-west-1:123456789012:acme-prod-thumbnail-s3-1',
          Subject: 'Amazon S3 Notification',
          Message: JSON.stringify(s3Event),
          Timestamp: '2024-01-01T00:00:00.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  } as SNSEvent;
}

async function photo(width: number, height: number): Promise<Buffer> {
  const img = new Jimp({ width, height, color: 0x3366ccff });
  return img.getBuffer(JimpMime.jpeg);
}

/** The part of the SDK's streaming body the handler uses. */
/** Width and height from a JPEG's start-of-frame marker (independent of jimp). */
function jpegSize(jpeg: Buffer): { width: number; height: number } {
  expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  for (let at = 2; at < jpeg.length;) {
    const marker = jpeg[at + 1];
    if (marker >= 0xc0 && marker <= 0xc3) return { height: jpeg.readUInt16BE(at + 5), width: jpeg.readUInt16BE(at + 7) };
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no start-of-frame marker');
}

const body = (bytes: Buffer) => ({ transformToByteArray: async () => new Uint8Array(bytes) });

beforeEach(() => {
  s3.reset();
  delete process.env.THUMBNAIL_BUCKET;
  process.env.THUMBNAIL_PREFIX = 'thumbnails/';
  delete process.env.THUMBNAIL_WIDTH;
  delete process.env.THUMBNAIL_HEIGHT;
});

test('reads the uploaded image, scales it to fit 256×256 and writes a JPEG under thumbnails/', async () => {
  s3.on(GetObjectCommand, { Bucket: 'acme-media-uploads', Key: 'uploads/cats/tom and jerry.jpg' }).resolves({ Body: body(await photo(800, 600)) as never });
  s3.on(PutObjectCommand).resolves({});

  const results = await handler(snsEvent('acme-media-uploads', 'uploads/cats/tom+and+jerry.jpg'));

  expect(results).toEqual([
    { source: { bucket: 'acme-media-uploads', key: 'uploads/cats/tom and jerry.jpg' }, target: { bucket: 'acme-media-uploads', key: 'thumbnails/cats/tom and jerry.jpg' }, width: 256, height: 192 },
  ]);
  const puts = s3.commandCalls(PutObjectCommand);
  expect(puts).toHaveLength(1);
  const input = puts[0].args[0].input;
  expect(input).toMatchObject({ Bucket: 'acme-media-uploads', Key: 'thumbnails/cats/tom and jerry.jpg', ContentType: 'image/jpeg', Metadata: { 'source-key': 'uploads/cats/tom and jerry.jpg' } });
  expect(jpegSize(Buffer.from(input.Body as Uint8Array))).toEqual({ width: 256, height: 192 });
});

test('size and target bucket come from the environment', async () => {
  process.env.THUMBNAIL_BUCKET = 'acme-media-thumbs';
  process.env.THUMBNAIL_WIDTH = '64';
  process.env.THUMBNAIL_HEIGHT = '64';
  s3.on(GetObjectCommand).resolves({ Body: body(await photo(300, 600)) as never });
  s3.on(PutObjectCommand).resolves({});
  const [r] = (await handler(snsEvent('acme-media-uploads', 'uploads/tall.png'))) as { target: { bucket: string; key: string }; width: number; height: number }[];
  expect(r).toMatchObject({ target: { bucket: 'acme-media-thumbs', key: 'thumbnails/tall.jpg' }, width: 32, height: 64 });
});

test('a failing read rejects, so Lambda retries the event and then dead-letters it', async () => {
  s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
  await expect(handler(snsEvent('acme-media-uploads', 'uploads/x.jpg'))).rejects.toThrow('Access Denied');
  expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
});

test('refuses to thumbnail its own output (no recursive loop) and rejects a bad size setting', async () => {
  await expect(handler(snsEvent('acme-media-uploads', 'thumbnails/x.jpg'))).rejects.toThrow('refusing to thumbnail thumbnails/x.jpg: it is under the output prefix thumbnails/ (would loop)');
  process.env.THUMBNAIL_WIDTH = 'huge';
  await expect(handler(snsEvent('acme-media-uploads', 'uploads/x.jpg'))).rejects.toThrow('THUMBNAIL_WIDTH must be an integer 1–4096, got "huge"');
  expect(s3.calls()).toHaveLength(0);
});

test('S3 test events and non-create events are skipped', async () => {
  const test = snsEvent('b', 'k');
  test.Records[0].Sns.Message = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'acme-media-uploads' });
  expect(await handler(test)).toEqual([]);
  expect(s3Records(snsEvent('b', 'uploads/a.jpg', 'ObjectRemoved:Delete'))).toEqual([]);
  expect(s3.calls()).toHaveLength(0);
});

test('through Kong (API Gateway format): POST {"key"} under SOURCE_PREFIX gives 200; anything else 4xx', async () => {
  process.env.SOURCE_BUCKET = 'acme-media-uploads';
  process.env.SOURCE_PREFIX = 'uploads/';
  s3.on(GetObjectCommand, { Key: 'uploads/dog.jpg' }).resolves({ Body: body(await photo(512, 512)) as never });
  s3.on(GetObjectCommand, { Key: 'uploads/none.jpg' }).rejects(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
  s3.on(PutObjectCommand).resolves({});
  const http = (method: string, payload: unknown) => handler({ httpMethod: method, body: JSON.stringify(payload), isBase64Encoded: false } as never) as Promise<{ statusCode: number; body: string }>;

  const ok = await http('POST', { key: 'uploads/dog.jpg' });
  expect(ok.statusCode).toBe(200);
  expect(JSON.parse(ok.body)).toMatchObject({ target: { key: 'thumbnails/dog.jpg' }, width: 256, height: 256 });
  expect((await http('POST', { key: 'secrets/x.jpg' })).statusCode).toBe(400);
  expect((await http('POST', { key: 'uploads/none.jpg' })).statusCode).toBe(404);
  expect((await http('GET', {})).statusCode).toBe(405);
});

test('thumbnail keys replace the first path segment with the prefix and use .jpg', () => {
  expect(thumbnailKey('uploads/a/b.png', 'thumbnails/')).toBe('thumbnails/a/b.jpg');
  expect(thumbnailKey('flat.jpeg', 't/')).toBe('t/flat.jpg');
});
