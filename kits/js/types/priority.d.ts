/// <reference path="./interfaces/cxr-plugin-host.d.ts" />
/// <reference path="./interfaces/cxr-plugin-lifecycle.d.ts" />
/// <reference path="./interfaces/cxr-plugin-priority.d.ts" />
/// <reference path="./interfaces/cxr-plugin-types.d.ts" />
declare module 'cxr:plugin-worlds/priority@0.2.0' {
  export type * as CxrPluginHost020 from 'cxr:plugin/host@0.2.0'; // import cxr:plugin/host@0.2.0
  export type * as CxrPluginTypes020 from 'cxr:plugin/types@0.2.0'; // import cxr:plugin/types@0.2.0
  export * as lifecycle from 'cxr:plugin/lifecycle@0.2.0'; // export cxr:plugin/lifecycle@0.2.0
  export * as priority from 'cxr:plugin/priority@0.2.0'; // export cxr:plugin/priority@0.2.0
}
