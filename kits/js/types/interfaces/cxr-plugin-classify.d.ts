/// <reference path="./cxr-plugin-types.d.ts" />
declare module 'cxr:plugin/classify@0.2.0' {
  export function classify(input: Interaction, ctx: Context, sentiment: Sentiment): Array<Signal>;
  export type Interaction = import('cxr:plugin/types@0.2.0').Interaction;
  export type Context = import('cxr:plugin/types@0.2.0').Context;
  export type Sentiment = import('cxr:plugin/types@0.2.0').Sentiment;
  export type Signal = import('cxr:plugin/types@0.2.0').Signal;
  export type PluginError = import('cxr:plugin/types@0.2.0').PluginError;
}
