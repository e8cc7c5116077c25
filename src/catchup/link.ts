/**
 * The `min_id` of the `Link` header's `rel="prev"` URL (Mastodon's next newer page), if any.
 * Server input: split and parsed by `URL`, never met by a regular expression, so a long or
 * hostile header costs time linear in its length.
 */
export const prevMinId = (link: string | null): string | null | undefined => {
  try {
    return new URL(link!.split(',').find((part) => part.includes('rel="prev"'))!.split('>')[0]!.split('<')[1]!).searchParams.get('min_id');
  } catch {
    // no header, no rel="prev", or not a URL: no next page from this header
  }
};
