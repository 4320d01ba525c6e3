// Browsers with fake cameras are heavy: one test at a time keeps calls within their deadlines on small machines.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
