/** Why S3 would refuse a (resolved) bucket name, or undefined when it is valid. */
export function s3BucketNameProblem(name: string): string | undefined {
  const rules = 'S3 bucket names are 3–63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit';
  if (name.length < 3 || name.length > 63) return `is ${name.length} characters long; ${rules}`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return `is not a valid bucket name; ${rules}`;
  if (name.includes('..')) return 'has two adjacent "."; S3 bucket names cannot';
  if (/^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/.test(name)) return 'is formatted as an IP address; S3 bucket names cannot be';
  const reserved = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p)) ?? ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((x) => name.endsWith(x));
  if (reserved) return `uses "${reserved}", which S3 reserves at the ${name.startsWith(reserved) ? 'start' : 'end'} of bucket names`;
  return undefined;
}
