/// <reference lib="dom" />
export const x: HTMLElement | null = document.getElementById("a");
