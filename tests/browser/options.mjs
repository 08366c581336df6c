// Command-line options of the browser-test scripts: `--name value` or `--name=value`.

/**
 * Reads `argv` into a copy of `defaults`: `names` maps each option (`--base`) to its key (`base`). An unknown
 * option or one without a value calls `usage(message)`, which must not return.
 */
export function readOptions(argv, names, defaults, usage) {
  const o = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    let [name, value] = argv[i].split(/=(.*)/s, 2);
    if (!(name in names)) usage(`unknown option ${name}`);
    if (value === undefined) value = argv[++i];
    if (value === undefined) usage(`${name} needs a value`);
    o[names[name]] = value;
  }
  return o;
}
