/// <reference path="./cxr-plugin-types.d.ts" />
declare module 'cxr:plugin/routing@0.2.0' {
  export function route(input: Interaction, ctx: Context, sentiment: Sentiment, priority: Priority): RoutingOutcome;
  export type Interaction = import('cxr:plugin/types@0.2.0').Interaction;
  export type Context = import('cxr:plugin/types@0.2.0').Context;
  export type Sentiment = import('cxr:plugin/types@0.2.0').Sentiment;
  export type Priority = import('cxr:plugin/types@0.2.0').Priority;
  export type RoutingOutcome = import('cxr:plugin/types@0.2.0').RoutingOutcome;
  export type PluginError = import('cxr:plugin/types@0.2.0').PluginError;
}
