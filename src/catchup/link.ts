/**
 * The `min_id` of the `Link` header's `rel="prev"` URL (Mastodon's next newer page), or null.
 * Server input: split and read by `URLSearchParams`, never met by a regular expression, so a
 * long or hostile header costs time linear in its length.
 */
export const prevMinId = (link: string | null): string | null =>
  new URLSearchParams(link?.split(',').find((part) => part.includes('rel="prev"'))?.split('>')[0]!.split('?')[1]).get('min_id');
