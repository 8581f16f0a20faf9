/** The profile fan-out: one function for the parent, one for the child entrypoint (src/index.ts). */
export { loadSections } from "./parent";
export { fillSectionsForParent, type ChildInput, type ChildOutput } from "./child";
