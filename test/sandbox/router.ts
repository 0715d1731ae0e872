import type { Route } from './vendor';

interface CompiledRoute {
	route: Route;
	regex: RegExp;
	names: string[];
}

export type RouteMatch =
	| { kind: 'found'; route: Route; params: Record<string, string> }
	/** The path exists but not for this method; `allowed` lists the methods it has. */
	| { kind: 'wrongMethod'; allowed: string[] }
	| { kind: 'none' };

/** Matches method + path against a vendor's routes (compiled once). */
export class Router {
	private readonly compiled: CompiledRoute[];

	constructor(routes: Route[]) {
		this.compiled = routes.map((route) => {
			const names: string[] = [];
			const source = route.pattern
				.split('/')
				.map((segment) => {
					if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
					names.push(segment.slice(1));
					return '([^/]+)';
				})
				.join('/');
			return { route, regex: new RegExp(`^${source}$`), names };
		});
	}

	/** Finds the route for a path without its query string. */
	match(method: string, pathname: string): RouteMatch {
		const allowed: string[] = [];
		for (const { route, regex, names } of this.compiled) {
			const m = regex.exec(pathname);
			if (!m) continue;
			if (route.method !== method) {
				allowed.push(route.method);
				continue;
			}
			const params: Record<string, string> = {};
			try {
				names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
			} catch {
				return { kind: 'none' }; // malformed %-escape
			}
			return { kind: 'found', route, params };
		}
		return allowed.length > 0 ? { kind: 'wrongMethod', allowed } : { kind: 'none' };
	}
}
