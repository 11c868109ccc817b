// Imported first: uPlot builds an Intl.NumberFormat from navigator.language when it loads,
// and a POSIX-style locale (e.g. "en-US@posix", seen in headless browsers started from a
// C locale) makes that throw and takes the whole app down. Fall back to a valid tag.
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  try {
    Object.defineProperty(navigator, 'language', { get: () => 'en-US', configurable: true });
  } catch {
    /* nothing better to do; the charts will fail alone */
  }
}
export {};
