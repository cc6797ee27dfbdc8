import { haversineDistance, type LatLng } from './geometry';

/** A bus stop on a route. */
export interface Stop {
  name: string;
  position: LatLng;
}

/** Straight-line distance between two stops, computed with the spherical law of haversines. */
export function distanceBetweenStops(from: Stop, to: Stop): number {
  const radius = 6371;
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(to.position.lat - from.position.lat);
  const dLng = rad(to.position.lng - from.position.lng);
  const s =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(rad(from.position.lat)) * Math.cos(rad(to.position.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * radius * Math.asin(Math.sqrt(s));
}

/** Total length of a route through the given stops, in kilometres. */
export function routeLength(stops: Stop[]): number {
  let total = 0;
  for (let i = 1; i < stops.length; i++) {
    total += haversineDistance(stops[i - 1].position, stops[i].position);
  }
  return total;
}
