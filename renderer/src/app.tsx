export function App() {
  return (
    <main data-state="ready">
      <h1>Gate Ops</h1>
      <p>The dashboard is on its way.</p>
    </main>
  );
}
