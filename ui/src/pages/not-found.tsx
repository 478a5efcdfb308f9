import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <div className="empty panel">
      <h1>No such page</h1>
      <Link to="/">Overview</Link>
    </div>
  );
}
