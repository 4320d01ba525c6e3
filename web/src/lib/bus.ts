// A tiny typed event bus: the transport, peer and UI layers talk through it instead of holding
// references to each other.
type Handler<T> = (value: T) => void;

export class Bus<Events> {
  private handlers: { [K in keyof Events]?: Handler<Events[K]>[] } = {};

  on<K extends keyof Events>(name: K, handler: Handler<Events[K]>): () => void {
    const list = this.handlers[name] || (this.handlers[name] = []);
    list.push(handler);
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<K extends keyof Events>(name: K, value: Events[K]): void {
    const list = this.handlers[name];
    if (!list) return;
    for (const handler of list.slice()) {
      try {
        handler(value);
      } catch (e) {
        console.error(e);
      }
    }
  }
}
