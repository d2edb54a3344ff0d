/// <reference path="./cxr-plugin-types.d.ts" />
declare module 'cxr:plugin/sentiment@0.2.0' {
  export function score(input: Interaction, ctx: Context): Sentiment;
  export type Interaction = import('cxr:plugin/types@0.2.0').Interaction;
  export type Context = import('cxr:plugin/types@0.2.0').Context;
  export type Sentiment = import('cxr:plugin/types@0.2.0').Sentiment;
  export type PluginError = import('cxr:plugin/types@0.2.0').PluginError;
}
