/// <reference path="./cxr-plugin-types.d.ts" />
declare module 'cxr:plugin/lifecycle@0.2.0' {
  export function info(): PluginInfo;
  /**
   * Called once per instance before any hook, with the plugin's config
   * from the pipeline (a JSON document; empty object when none is given).
   */
  export function configure(config: string): void;
  export type PluginInfo = import('cxr:plugin/types@0.2.0').PluginInfo;
  export type PluginError = import('cxr:plugin/types@0.2.0').PluginError;
}
