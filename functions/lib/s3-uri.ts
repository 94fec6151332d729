/** `s3://bucket/key` → its parts; a clear error for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${JSON.stringify(uri)}`);
  return { bucket: match[1], key: match[2] };
}
