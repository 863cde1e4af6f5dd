// The country page's real-atlas section: the country's figures from the bundled real layers (stock with its
// 95 % interval, 4‰ target, IPCC Tier 1 beside it, carbon debt, GSOCseq potential, with sources) and the
// country's own pixel map.

import { figuresTable } from "./figures.js";
import { renderPixelMap } from "./pixel-map.js";

export async function renderCountryAtlas(container, iso3, ctx) {
  const { t, el } = ctx;
  let summary;
  try {
    summary = await ctx.api(`/atlas/summary/${iso3}`);
  } catch (error) {
    container.replaceChildren(el("p", { class: "notice" }, t("catl.missing", { error: error.message })));
    return;
  }
  if (!ctx.alive()) return;
  container.replaceChildren(el("h2", {}, t("catl.title")), figuresTable(summary, ctx, "country-atlas"));
  await renderPixelMap(container, ctx, { bbox: summary.bbox, area: false, id: "country-atlas" });
}
