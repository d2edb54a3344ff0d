// {{name}}: a cxr plugin implementing {{hooks_text}}.
//
// Test:   npm test        (cxr-plugin test: type check, then node --test)
// Build:  npm run build   (cxr-plugin build: {{wasm}})
// Check:  cxr test --plugin {{wasm}} cases.toml
import {
  {{uses}},
} from 'cxr-plugin';
{{items}}
/** The plugin: nothing to configure yet. */
export default class {{type}} implements {{implements}} {
  static readonly description = '{{description}}';

  /** Builds the plugin from the pipeline's config (JSON; `{}` when none is given). */
  static configure(_config: string): {{type}} {
    return new {{type}}();
  }
{{methods}}}
