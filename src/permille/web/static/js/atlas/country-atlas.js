// The country page's real-atlas section: the country's figures from the bundled real layers (stock with its
// 95 % interval, 4‰ target, IPCC Tier 1 beside it, carbon debt, GSOCseq potential, with sources) and the
// country's own pixel map.

import { figuresTable } from "./figures.js";
import { renderPixelMap } from "./pixel-map.js";

const MESSAGES = {
  en: { "catl.title": "Soil carbon atlas (real layers)", "catl.missing": "This country is not in the atlas: {error}" },
  fr: { "catl.title": "Atlas du carbone des sols (couches réelles)", "catl.missing": "Ce pays n'est pas dans l'atlas : {error}" },
  es: { "catl.title": "Atlas del carbono del suelo (capas reales)", "catl.missing": "Este país no está en el atlas: {error}" },
};

export async function renderCountryAtlas(container, iso3, ctx) {
  ctx.i18n.add(MESSAGES);
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
