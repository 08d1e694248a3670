/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  // Vue components are default exports (STYLE.md rule 8 allows it).
  // eslint-disable-next-line no-restricted-syntax
  export default component;
}
