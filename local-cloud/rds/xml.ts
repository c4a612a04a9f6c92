/** A minimal XML writer for the RDS Query protocol's responses. */

/** An element tree: a text leaf, a nested element list, or absent (omitted). */
export type XmlValue = string | number | boolean | undefined | readonly XmlNode[];

/** One element: its name and content. */
export interface XmlNode {
  readonly name: string;
  readonly value: XmlValue;
}

/** `{ name, value }`, for compact trees. */
export const el = (name: string, value: XmlValue): XmlNode => ({ name, value });

/** Escapes text for element content. */
export const escapeXml = (text: string): string =>
  text.replace(
    /[<>&'"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`,
  );

/** Serialises nodes; an `undefined` value drops its element. */
export const renderXml = (nodes: readonly XmlNode[]): string =>
  nodes
    .map(({ name, value }) => {
      if (value === undefined) return '';
      const inner = Array.isArray(value) ? renderXml(value) : escapeXml(String(value));
      return `<${name}>${inner}</${name}>`;
    })
    .join('');
