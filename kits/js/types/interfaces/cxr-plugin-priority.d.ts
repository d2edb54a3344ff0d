/// <reference path="./cxr-plugin-types.d.ts" />
declare module 'cxr:plugin/priority@0.2.0' {
  export function prioritize(input: Interaction, ctx: Context, sentiment: Sentiment): Priority;
  export type Interaction = import('cxr:plugin/types@0.2.0').Interaction;
  export type Context = import('cxr:plugin/types@0.2.0').Context;
  export type Sentiment = import('cxr:plugin/types@0.2.0').Sentiment;
  export type Priority = import('cxr:plugin/types@0.2.0').Priority;
  export type PluginError = import('cxr:plugin/types@0.2.0').PluginError;
}
