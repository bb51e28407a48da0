// Search-as-you-type for selects marked data-autocomplete="URL": options come
// from a JSON endpoint returning [{value, text}], so no page renders thousands.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autocomplete]").forEach((select) => {
    const url = select.dataset.autocomplete;
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      maxOptions: 50,
      load: (query, callback) => {
        fetch(`${url}?q=${encodeURIComponent(query)}`, { credentials: "same-origin" })
          .then((response) => response.json())
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
    });
  });
});
