/**
 * Label key and value rules of Kubernetes (k8s.io/apimachinery/pkg/util/validation): a key is a qualified name
 * with an optional DNS-1123 subdomain prefix, a value is a short, possibly empty, name-like string.
 */

const QUALIFIED_NAME_MAX_LENGTH = 63;
const LABEL_VALUE_MAX_LENGTH = 63;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

const NAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric " +
  `character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '${QUALIFIED_NAME_FMT}')`;

function validateQualifiedNamePart(name: string): string | undefined {
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > QUALIFIED_NAME_MAX_LENGTH)
    return `name part must be no more than ${QUALIFIED_NAME_MAX_LENGTH} characters`;
  if (!QUALIFIED_NAME_RE.test(name)) return `name part ${NAME_RULE}`;
  return undefined;
}

function validatePrefix(prefix: string): string | undefined {
  if (prefix.length === 0) return 'prefix part must be non-empty';
  if (prefix.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    return `prefix part must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`;
  }
  if (!DNS1123_SUBDOMAIN_RE.test(prefix)) {
    return (
      'prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ' +
      "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for " +
      `validation is '${DNS1123_SUBDOMAIN_FMT}')`
    );
  }
  return undefined;
}

/**
 * Checks a label key against the Kubernetes rules: `[prefix/]name`, where the optional prefix is a DNS-1123
 * subdomain of at most 253 characters and the name has 1 to 63 characters matching
 * `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`. Returns the broken rules joined by "; ", or undefined when valid.
 */
export function validateLabelKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash === -1) return validateQualifiedNamePart(key);
  if (key.indexOf('/', slash + 1) !== -1) {
    return `a qualified name ${NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;
  }
  const errors = [validatePrefix(key.slice(0, slash)), validateQualifiedNamePart(key.slice(slash + 1))];
  const found = errors.filter((e): e is string => e !== undefined);
  return found.length === 0 ? undefined : found.join('; ');
}

/**
 * Checks a label value against the Kubernetes rules: empty, or at most 63 characters matching
 * `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`. Returns the broken rule, or undefined when valid.
 */
export function validateLabelValue(value: string): string | undefined {
  if (value.length > LABEL_VALUE_MAX_LENGTH) return `must be no more than ${LABEL_VALUE_MAX_LENGTH} characters`;
  if (!LABEL_VALUE_RE.test(value)) {
    return (
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must " +
      "start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for " +
      `validation is '${LABEL_VALUE_FMT}')`
    );
  }
  return undefined;
}
