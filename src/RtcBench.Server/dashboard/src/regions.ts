// Where common cloud region ids are (approximate city coordinates), so the map can place a location whose runs did
// not give --lat/--lon. A run's own latitude/longitude always wins over this table.

export const regions: Record<string, [lat: number, lon: number]> = {
  // AWS
  "us-east-1": [38.9, -77.4], "us-east-2": [40.0, -83.0], "us-west-1": [37.4, -121.9], "us-west-2": [45.8, -119.7],
  "ca-central-1": [45.5, -73.6], "sa-east-1": [-23.5, -46.6], "eu-west-1": [53.3, -6.3], "eu-west-2": [51.5, -0.1],
  "eu-west-3": [48.9, 2.35], "eu-central-1": [50.1, 8.7], "eu-central-2": [47.4, 8.5], "eu-north-1": [59.3, 18.1],
  "eu-south-1": [45.5, 9.2], "ap-south-1": [19.1, 72.9], "ap-southeast-1": [1.35, 103.8], "ap-southeast-2": [-33.9, 151.2],
  "ap-northeast-1": [35.7, 139.7], "ap-northeast-2": [37.6, 127.0], "ap-northeast-3": [34.7, 135.5], "ap-east-1": [22.3, 114.2],
  "me-south-1": [26.1, 50.6], "me-central-1": [25.2, 55.3], "af-south-1": [-33.9, 18.4],
  // Google Cloud
  "us-central1": [41.3, -95.9], "us-east1": [33.2, -80.0], "us-east4": [39.0, -77.5], "us-west1": [45.6, -121.2],
  "us-west2": [34.05, -118.24], "northamerica-northeast1": [45.5, -73.6], "southamerica-east1": [-23.5, -46.6],
  "europe-west1": [50.4, 3.8], "europe-west2": [51.5, -0.1], "europe-west3": [50.1, 8.7], "europe-west4": [53.4, 6.8],
  "europe-north1": [60.6, 27.2], "asia-east1": [24.0, 121.0], "asia-northeast1": [35.7, 139.7], "asia-south1": [19.1, 72.9],
  "asia-southeast1": [1.35, 103.8], "australia-southeast1": [-33.9, 151.2],
  // Azure
  "eastus": [37.4, -79.4], "eastus2": [36.7, -78.4], "centralus": [41.6, -93.6], "westus": [37.8, -122.4],
  "westus2": [47.2, -119.9], "westeurope": [52.4, 4.9], "northeurope": [53.3, -6.3], "uksouth": [50.9, -0.8],
  "francecentral": [46.3, 2.4], "germanywestcentral": [50.1, 8.7], "southeastasia": [1.3, 103.8], "eastasia": [22.3, 114.2],
  "japaneast": [35.7, 139.8], "australiaeast": [-33.9, 151.2], "brazilsouth": [-23.5, -46.6], "centralindia": [18.6, 73.9],
  // Fly.io / Cloudflare-style airport codes commonly used as location ids
  "iad": [38.9, -77.5], "ord": [41.98, -87.9], "sjc": [37.4, -121.9], "lhr": [51.5, -0.45], "fra": [50.0, 8.6],
  "ams": [52.3, 4.8], "cdg": [49.0, 2.55], "nrt": [35.8, 140.4], "sin": [1.36, 104.0], "syd": [-33.9, 151.2], "gru": [-23.4, -46.5],
};
