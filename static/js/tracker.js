// Search-as-you-type for selects marked data-autocomplete="URL": options come
// from a JSON endpoint returning {results: [{value, text}]}, so no page renders
// thousands of options. Selects marked data-enhance get a searchable box over
// the options they already have.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autocomplete]").forEach((select) => {
    const url = select.dataset.autocomplete;
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      maxOptions: 50,
      plugins: select.multiple ? ["remove_button"] : [],
      load: (query, callback) => {
        const target = new URL(url, window.location.href);
        target.searchParams.set("q", query);
        fetch(target, { credentials: "same-origin" })
          .then((response) => response.json())
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
    });
  });
  document.querySelectorAll("select[data-enhance]").forEach((select) => {
    new TomSelect(select, { plugins: select.multiple ? ["remove_button"] : [] });
  });
});
